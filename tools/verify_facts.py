"""Check version facts in rules/ against what PyPI actually published (needs network and pip).

Usage: python tools/verify_facts.py [--cache DIR]
- tables.yml, model families: for each family whose id names a `transformers/models/<id>/` package, it downloads
  (once, into --cache) the release the table names and the newest release before it, and checks that the first has
  the package and the second does not. Families without their own package (variants, distills) are not checked.
- checks.yml, checks on Python and torch only: no torch release the check covers has a wheel for a Python version
  the check covers (wheel tags from PyPI's JSON API).
- rules/fixes/*.yml, fixes with `proved_by: tools/verify_facts.py` and no gate: the message, flag or default they
  quote is in the code of the release tools/facts.yml names (fragments, since messages are split over f-strings); for REMOVED,
  the API is in one release and gone from a later one; for NO_FILES, no release on PyPI has such a file (a platform's
  wheel, or any wheel at all).
- rules/fixes/*.yml, gates (`gate: {package, min}` with `proved_by: tools/verify_facts.py`, id
  `gate-<family>-<area>`): the runtime's own registry in the release `min` names knows the family's architecture and
  the release before it does not. The registries: transformers' `transformers/models/<type>/` packages; vLLM's model
  registry (vllm/model_executor/models/registry.py, models/__init__.py or model_loader.py in old releases); sglang's
  `sglang/srt/models/<file>.py`; lmdeploy's PyTorch-engine module map and TurboMind model list; the llama.cpp that
  llama-cpp-python vendors (the architecture names in src/llama-arch.cpp or llama.cpp). `--discover` prints the first
  release of each runtime that knows each family (a binary search over the releases), to write new gates from.
Exit 1 if a fact is wrong. A maintainer tool: nothing in the bot or the tests runs it.
"""

from __future__ import annotations

import argparse
import json
import operator
import re
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import yaml
from packaging.version import Version

sys.path.insert(0, str(Path(__file__).resolve().parent))
import registry_files  # noqa: E402

RULES = Path(__file__).resolve().parent.parent / "rules"
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}


def pypi(project: str) -> dict[Version, list[str]]:
    """Every final release of a project on PyPI with its file names."""
    with urllib.request.urlopen(f"https://pypi.org/pypi/{project}/json", timeout=30) as resp:
        data = json.load(resp)
    out = {Version(v): [f["filename"] for f in files] for v, files in data["releases"].items()}
    return {v: files for v, files in sorted(out.items()) if not v.is_prerelease}


def model_dirs(version: Version, cache: Path) -> set[str]:
    """The `transformers/models/*` package names in that release's wheel."""
    wheel = cache / f"transformers-{version}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"transformers=={version}",
                        "-d", str(cache)], check=True)
    names = zipfile.ZipFile(wheel).namelist()
    return {n.split("/")[2] for n in names if n.startswith("transformers/models/") and n.count("/") >= 3}


def _covers(conds: list[dict], key: str, version: Version) -> bool:
    """Whether a check's conditions on `key` all hold for `version`."""
    return all(OPS[c["op"]](version, Version(c["value"])) for c in conds if c["key"] == key)


def python_torch_checks() -> int:
    """Print one line per Python/torch check of checks.yml; how many are wrong."""
    torch = {v: {int(m) for f in files for m in re.findall(r"-cp3(\d+)-", f)} for v, files in pypi("torch").items()}
    wrong = 0
    for check in yaml.safe_load((RULES / "checks.yml").read_text(encoding="utf-8"))["rules"]:
        env = check["when"].get("env") or {}
        conds = [{"key": k, "op": m[1], "value": m[2]} for k, t in env.items() if isinstance(t, str)
                 for m in [re.match(r"\s*(<=|>=|==|!=|<|>)\s*([\d.]+)\s*$", part) for part in t.split(",")] if m]
        if set(env) != {"python", "torch"} or len(conds) != sum(len(t.split(",")) for t in env.values()):
            continue
        bad = [f"torch {v} has cp3{m}" for v, minors in torch.items() if minors and _covers(conds, "torch", v)
               for m in sorted(minors) if _covers(conds, "python", Version(f"3.{m}"))]
        wrong += bool(bad)
        print(f"{check['id']:34} {'WRONG: ' + ', '.join(bad[:3]) if bad else 'ok'}")
    return wrong


_VLLM = ["vllm/model_executor/models/registry.py", "vllm/model_executor/models/__init__.py",
         "vllm/model_executor/model_loader.py"]
_LMDEPLOY = ["lmdeploy/pytorch/models/module_map.py", "lmdeploy/pytorch/supported_models.py",
             "lmdeploy/turbomind/supported_models.py"]
_LLAMA_CPP = ["vendor/llama.cpp/src/llama-arch.cpp", "vendor/llama.cpp/src/llama.cpp", "vendor/llama.cpp/llama.cpp"]

# area (rule file) -> PyPI project, and how a release shows that it knows an architecture.
RUNTIMES = {"transformers": "transformers", "vllm": "vllm", "sglang": "sglang", "lmdeploy": "lmdeploy",
            "llamacpp": "llama-cpp-python"}

# family -> area -> probe: ("dir", prefix) a member path starts with it; ("text", files, name) the quoted name is in
# one of the files as a registry key; ("file", path) the member exists; ("re", files, regex) the regex is found in one
# of the files (Llama 3.1's rope_type "llama3" in the rope code).
FAMILIES: dict[str, dict[str, tuple]] = {
    "qwen2": {"transformers": ("dir", "transformers/models/qwen2/"), "vllm": ("text", _VLLM, "Qwen2ForCausalLM"),
              "sglang": ("file", "sglang/srt/models/qwen2.py"), "lmdeploy": ("text", _LMDEPLOY, "Qwen2ForCausalLM"),
              "llamacpp": ("text", _LLAMA_CPP, "qwen2")},
    "qwen2_moe": {"transformers": ("dir", "transformers/models/qwen2_moe/"),
                  "vllm": ("text", _VLLM, "Qwen2MoeForCausalLM"), "sglang": ("file", "sglang/srt/models/qwen2_moe.py"),
                  "lmdeploy": ("text", _LMDEPLOY, "Qwen2MoeForCausalLM"), "llamacpp": ("text", _LLAMA_CPP, "qwen2moe")},
    "qwen2_vl": {"transformers": ("dir", "transformers/models/qwen2_vl/"),
                 "vllm": ("text", _VLLM, "Qwen2VLForConditionalGeneration"),
                 "sglang": ("file", "sglang/srt/models/qwen2_vl.py"),
                 "lmdeploy": ("text", _LMDEPLOY, "Qwen2VLForConditionalGeneration"),
                 "llamacpp": ("text", _LLAMA_CPP, "qwen2vl")},
    "qwen2_5_vl": {"transformers": ("dir", "transformers/models/qwen2_5_vl/"),
                   "vllm": ("text", _VLLM, "Qwen2_5_VLForConditionalGeneration"),
                   "sglang": ("file", "sglang/srt/models/qwen2_5_vl.py"),
                   "lmdeploy": ("text", _LMDEPLOY, "Qwen2_5_VLForConditionalGeneration")},
    "qwen3": {"transformers": ("dir", "transformers/models/qwen3/"), "vllm": ("text", _VLLM, "Qwen3ForCausalLM"),
              "sglang": ("file", "sglang/srt/models/qwen3.py"), "lmdeploy": ("text", _LMDEPLOY, "Qwen3ForCausalLM"),
              "llamacpp": ("text", _LLAMA_CPP, "qwen3")},
    "qwen3_moe": {"transformers": ("dir", "transformers/models/qwen3_moe/"),
                  "vllm": ("text", _VLLM, "Qwen3MoeForCausalLM"), "sglang": ("file", "sglang/srt/models/qwen3_moe.py"),
                  "lmdeploy": ("text", _LMDEPLOY, "Qwen3MoeForCausalLM"), "llamacpp": ("text", _LLAMA_CPP, "qwen3moe")},
    "qwen3_next": {"transformers": ("dir", "transformers/models/qwen3_next/"),
                   "vllm": ("text", _VLLM, "Qwen3NextForCausalLM"),
                   "sglang": ("file", "sglang/srt/models/qwen3_next.py"),
                   "lmdeploy": ("text", _LMDEPLOY, "Qwen3NextForCausalLM"),
                   "llamacpp": ("text", _LLAMA_CPP, "qwen3next")},
    "qwen3_vl": {"transformers": ("dir", "transformers/models/qwen3_vl/"),
                 "vllm": ("text", _VLLM, "Qwen3VLForConditionalGeneration"),
                 "sglang": ("file", "sglang/srt/models/qwen3_vl.py"),
                 "lmdeploy": ("text", _LMDEPLOY, "Qwen3VLForConditionalGeneration"),
                 "llamacpp": ("text", _LLAMA_CPP, "qwen3vl")},
    "llama3_1": {"transformers": ("re", ["transformers/modeling_rope_utils.py"], r"[\"']llama3[\"']"),
                 "vllm": ("re", ["vllm/model_executor/layers/rotary_embedding.py",
                                 "vllm/model_executor/layers/rotary_embedding/__init__.py"], r"[\"']llama3[\"']")},
    "mllama": {"transformers": ("dir", "transformers/models/mllama/"),
               "vllm": ("text", _VLLM, "MllamaForConditionalGeneration"),
               "sglang": ("file", "sglang/srt/models/mllama.py"),
               "lmdeploy": ("text", _LMDEPLOY, "MllamaForConditionalGeneration")},
    "llama4": {"transformers": ("dir", "transformers/models/llama4/"),
               "vllm": ("text", _VLLM, "Llama4ForConditionalGeneration"),
               "sglang": ("file", "sglang/srt/models/mllama4.py"),
               "lmdeploy": ("text", _LMDEPLOY, "Llama4ForConditionalGeneration"),
               "llamacpp": ("text", _LLAMA_CPP, "llama4")},
    "deepseek_v2": {"transformers": ("dir", "transformers/models/deepseek_v2/"),
                    "vllm": ("text", _VLLM, "DeepseekV2ForCausalLM"),
                    "sglang": ("file", "sglang/srt/models/deepseek_v2.py"),
                    "lmdeploy": ("text", _LMDEPLOY, "DeepseekV2ForCausalLM"),
                    "llamacpp": ("text", _LLAMA_CPP, "deepseek2")},
    "deepseek_v3": {"transformers": ("dir", "transformers/models/deepseek_v3/"),
                    "vllm": ("text", _VLLM, "DeepseekV3ForCausalLM"),
                    "sglang": ("text", ["sglang/srt/models/deepseek_v2.py"], "DeepseekV3ForCausalLM"),
                    "lmdeploy": ("text", _LMDEPLOY, "DeepseekV3ForCausalLM")},
    "qwen2_audio": {"transformers": ("dir", "transformers/models/qwen2_audio/"),
                    "vllm": ("text", _VLLM, "Qwen2AudioForConditionalGeneration")},
    "qwen2_5_omni": {"transformers": ("dir", "transformers/models/qwen2_5_omni/"),
                     "vllm": ("text", _VLLM, "Qwen2_5OmniThinkerForConditionalGeneration")},
    "gemma3": {"transformers": ("dir", "transformers/models/gemma3/"), "vllm": ("text", _VLLM, "Gemma3ForConditionalGeneration"),
               "sglang": ("file", "sglang/srt/models/gemma3_mm.py")},
    "deepseek_vl2": {"vllm": ("text", _VLLM, "DeepseekVLV2ForCausalLM"),
                     "sglang": ("file", "sglang/srt/models/deepseek_vl2.py"),
                     "lmdeploy": ("text", _LMDEPLOY, "DeepseekVLV2ForCausalLM")},
}


def knows(area: str, family: str, version: Version, cache: Path) -> bool:
    """Whether that release of the area's runtime knows the family's architecture."""
    probe, project = FAMILIES[family][area], RUNTIMES[area]
    names = registry_files.names(project, version, cache)
    if probe[0] == "dir":
        return any(n.startswith(probe[1]) for n in names)
    if probe[0] == "file":
        return probe[1] in names
    name = re.escape(probe[2])
    if probe[0] == "re":
        pattern = re.compile(probe[2])
    elif area == "sglang":  # a model file: the class it defines
        pattern = re.compile(r"^class " + name + r"\b", re.M)
    elif probe[1] is _LLAMA_CPP:  # the architecture-name table: { LLM_ARCH_QWEN2, "qwen2" } (not pre-tokenizer names)
        pattern = re.compile(r"LLM_ARCH_\w+\s*,\s*\"" + name + r"\"")
    else:  # a registry key: "Name": ..., or a dict(Name=True / Name='type') entry (Name=False means unsupported)
        pattern = re.compile(r"[\"']" + name + r"[\"']\s*[:,)]|\b" + name + r"\s*=\s*(?:True|[\"'])")
    return any(pattern.search(registry_files.read(project, version, f, cache) or "") for f in probe[1] if f in names)


def first_release(area: str, family: str, cache: Path) -> Version | None:
    """The first release that knows the family (binary search: support, once added, stays)."""
    known = registry_files.versions(RUNTIMES[area])
    lo, hi = 0, len(known)
    if not knows(area, family, known[-1], cache):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if knows(area, family, known[mid], cache):
            hi = mid
        else:
            lo = mid + 1
    return known[lo]


def discover(cache: Path) -> None:
    """Print the first release of each runtime that knows each family."""
    for family, areas in FAMILIES.items():
        for area in areas:
            try:
                first = first_release(area, family, cache)
            except Exception as exc:  # a registry hiccup: say so, keep going
                print(f"{family:14} {area:12} ERROR {exc}")
                continue
            print(f"{family:14} {area:12} {first or 'none yet'}")


# Fixes that quote a runtime's own message, flag or default: rule id -> (PyPI project, release, fragments[, release]).
# Each fragment must be in that release's code; when a second release is given, the first fragment must be absent from
# it (the feature is new in the first). The table is tools/facts.yml.
FACTS: dict[str, tuple] = {
    rule_id: (f["project"], str(f["release"]), f["fragments"], *([str(f["absent_from"])] if "absent_from" in f else []))
    for rule_id, f in yaml.safe_load(Path(__file__).with_name("facts.yml").read_text(encoding="utf-8")).items()}

# Fixes for a removed API: rule id -> (PyPI project, a release that has the fragment, a later one that does not, fragment).
REMOVED = {"peft-prepare-int8-removed": ("peft", "0.9.0", "0.15.0", "prepare_model_for_int8_training")}
# Fixes that say a project publishes no such file: rule id -> (PyPI project, file-name part no release has).
NO_FILES = {"triton-no-windows-wheels": ("triton", "win"), "flash-attn-windows-source-build": ("flash-attn", ".whl")}


def _gated_ids() -> set[str]:
    """Ids of the rules with a `gate:` (gates() checks those)."""
    return {r["id"] for path in sorted((RULES / "fixes").glob("*.yml"))
            for r in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or [] if r.get("gate")}


GATED = _gated_ids()


def facts(cache: Path) -> int:
    """Print one line per fix whose quoted text is checked; how many are wrong (or have no entry here)."""
    wrong = 0
    proved = {r["id"] for path in sorted((RULES / "fixes").glob("*.yml"))
              for r in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []
              if r.get("proved_by") == "tools/verify_facts.py" and r["id"] not in GATED}
    for rule_id in sorted(proved):
        if rule_id in REMOVED or rule_id in NO_FILES:
            wrong += _removed(rule_id, cache) if rule_id in REMOVED else _no_files(rule_id)
            continue
        if rule_id not in FACTS:
            print(f"{rule_id:40} WRONG: proved_by names this tool but tools/facts.yml has no entry")
            wrong += 1
            continue
        project, version, fragments, *absent = FACTS[rule_id]
        missing = [f for f in fragments if not registry_files.grep(project, Version(version), f, cache)]
        present = [f for a in absent for f in fragments[:1] if registry_files.grep(project, Version(a), f, cache)]
        wrong += bool(missing or present)
        note = f", absent from {absent[0]}" if absent else ""
        bad = ("missing " + repr(missing) if missing else "") + (f" already in {absent[0]}" if present else "")
        print(f"{rule_id:40} {project} {version}{note}: {'ok' if not bad else 'WRONG: ' + bad}")
    return wrong


def _removed(rule_id: str, cache: Path) -> int:
    """1 (and a WRONG line) unless the fragment is in the older release and absent from the newer one."""
    project, had, gone, fragment = REMOVED[rule_id]
    ok = bool(registry_files.grep(project, Version(had), fragment, cache)) and not registry_files.grep(
        project, Version(gone), fragment, cache)
    print(f"{rule_id:40} {project}: {fragment!r} in {had}, absent from {gone}: {'ok' if ok else 'WRONG'}")
    return 0 if ok else 1


def _no_files(rule_id: str) -> int:
    """1 (and a WRONG line) if any release of the project has a file whose name contains the part."""
    project, part = NO_FILES[rule_id]
    hits = [f["filename"] for fs in registry_files.project(project)["releases"].values() for f in fs
            if part in f["filename"]]
    print(f"{rule_id:40} {project}: no file with {part!r} in any release: {'ok' if not hits else 'WRONG: ' + hits[0]}")
    return 1 if hits else 0


# Gates proved by the files a release publishes: rule id -> (PyPI project, a wheel file-name part, e.g. a platform).
WHEEL_GATES = {"bnb-windows-before-043": ("bitsandbytes", "win_amd64")}
# Gates proved by the source: rule id -> (PyPI project, fragment): in the release `min`, not in the one before it.
SOURCE_GATES = {"flash-attn-sliding-window-old": ("flash-attn", "window_size"),
                "peft-all-linear-needs-080": ("peft", "all-linear"), "trl-grpo-needs-014": ("trl", "class GRPOTrainer")}


def _source_gate(rule_id: str, minimum: str, cache: Path) -> int:
    """1 (and a WRONG line) unless the fragment is in `minimum` and absent from the release before it."""
    project, fragment = SOURCE_GATES[rule_id]
    first = Version(minimum)
    before = max(v for v in registry_files.versions(project) if v < first)
    ok = bool(registry_files.grep(project, first, fragment, cache)) and not registry_files.grep(
        project, before, fragment, cache)
    print(f"{rule_id:34} {minimum:10} {'ok' if ok else 'WRONG'} ({fragment!r} absent from {before})")
    return 0 if ok else 1


def _wheel_gate(rule_id: str, minimum: str) -> int:
    """1 (and a WRONG line) unless `minimum` is the first release with such a wheel."""
    project, part = WHEEL_GATES[rule_id]
    releases = registry_files.project(project)["releases"]
    has = {Version(t): any(part in f["filename"] for f in fs) for t, fs in releases.items() if fs}
    first = min((v for v, ok in has.items() if ok and not v.is_prerelease), default=None)
    ok = first == Version(minimum)
    print(f"{rule_id:34} {minimum:10} {'ok' if ok else 'WRONG'} (first {part} wheel: {first})")
    return 0 if ok else 1


def gates(cache: Path) -> int:
    """Print one line per proved gate in rules/fixes/; how many are wrong."""
    wrong = 0
    for path in sorted((RULES / "fixes").glob("*.yml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
            gate = rule.get("gate")
            if not gate or rule.get("proved_by") != "tools/verify_facts.py":
                continue
            if rule["id"] in WHEEL_GATES:
                wrong += _wheel_gate(rule["id"], gate["min"])
                continue
            if rule["id"] in SOURCE_GATES:
                wrong += _source_gate(rule["id"], gate["min"], cache)
                continue
            family, area = rule["id"].split("-")[1], path.stem
            if area not in RUNTIMES or family not in FAMILIES or area not in FAMILIES[family]:
                print(f"{rule['id']:34} WRONG: no registry probe for {family} in {area}")
                wrong += 1
                continue
            first = Version(gate["min"])
            before = max((v for v in registry_files.versions(RUNTIMES[area]) if v < first), default=None)
            ok = knows(area, family, first, cache) and (before is None or not knows(area, family, before, cache))
            wrong += not ok
            print(f"{rule['id']:34} {gate['min']:10} {'ok' if ok else 'WRONG'} (absent from {before})")
    return wrong


def main(argv: list[str] | None = None) -> int:
    """Print one line per fact checked; exit 1 if any is wrong."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache", type=Path, default=Path("/tmp/transformers-wheels"))
    p.add_argument("--discover", action="store_true", help="print the first release of each runtime per family")
    p.add_argument("--gates-only", action="store_true", help="check only rules/fixes/ (gates and quoted facts)")
    args = p.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.discover:
        discover(args.cache)
        return 0
    if args.gates_only:
        return 1 if gates(args.cache) + facts(args.cache) else 0
    tables = yaml.safe_load((RULES / "tables.yml").read_text(encoding="utf-8"))
    families = [f for f in tables["model_families"] if f.get("transformers")]
    known, wrong = list(pypi("transformers")), python_torch_checks()
    latest = model_dirs(known[-1], args.cache)
    for fam in families:
        if fam["id"] not in latest:
            print(f"{fam['id']:28} {fam['transformers']:8} not checked (no transformers/models/{fam['id']}/)")
            continue
        first = Version(fam["transformers"])
        before = max(v for v in known if v < first)
        ok = fam["id"] in model_dirs(first, args.cache) and fam["id"] not in model_dirs(before, args.cache)
        wrong += not ok
        print(f"{fam['id']:28} {fam['transformers']:8} {'ok' if ok else 'WRONG'} (absent from {before})")
    wrong += gates(args.cache) + facts(args.cache)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
