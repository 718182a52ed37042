"""The env a condition sees: the stated values plus derived keys (torch_cuda_major, gpu_cc, os_family, model_family...)."""

from __future__ import annotations

from pydantic import Field

from bot.core import versions
from bot.core.extract.stack import ORDER as RUNTIMES
from bot.core.gpus import compute_capability
from bot.core.memory import fit
from bot.core.patternset import PatternSet
from bot.core.rulefile import compile_re2
from bot.core.rules.schema import Strict
from bot.core.types import Facts

_CPU_BUILD = compile_re2(r"CUDA used to build PyTorch\s*:\s*(?:None|Could not collect)|Is CUDA available\s*:\s*False")
_OS = (("wsl", compile_re2(r"wsl|microsoft-standard")), ("windows", compile_re2(r"windows|win(?:10|11|32|64)\b")),
       ("macos", compile_re2(r"mac\s?os|darwin|osx|apple\s+m\d|\bm[1-4]\s+(?:pro|max|ultra)\b")),
       ("linux", compile_re2(r"linux|ubuntu|centos|debian|rhel|red hat|fedora|rocky|alma|suse|arch")))


class DriverRow(Strict):
    """The minimum driver for a CUDA major version under minor-version compatibility."""

    cuda: str
    linux: str
    windows: str


class ModelFamily(Strict):
    """A model family named in `model`, and the first transformers release that supports it (None: no check)."""

    id: str
    match: str
    transformers: str | None = None


class RepoRuntime(Strict):
    """The runtime an issue in a runtime's own repository runs, and whether it leads even when unnamed."""

    runtime: str
    first: bool = False


class Patterned(Strict):
    """A table row keyed by an RE2 pattern (case-insensitive), compiled once: a bad one fails at load."""

    match: str
    rx: object = Field(default=None, exclude=True)

    model_config = Strict.model_config | {"arbitrary_types_allowed": True}

    def model_post_init(self, _ctx) -> None:
        """The pattern, compiled once."""
        object.__setattr__(self, "rx", compile_re2(self.match))


class ModelParams(Patterned):
    """A checkpoint whose name carries no size: its parameters (billions) and, if not 16-bit, bytes per parameter."""

    params: float
    bytes: float | None = None


class QuantBytes(Patterned):
    """Bytes per parameter of the quantization a model's name or its quantization key states."""

    bytes: float


class Tables(Strict):
    """Reference tables that derived env keys are computed from (rules/tables.yml)."""

    driver_cuda: list[DriverRow]
    model_families: list[ModelFamily]
    repo_runtimes: dict[str, RepoRuntime] = {}
    gpu_memory_gb: dict[str, int] = {}
    gpu_memory_varies: list[str] = []
    model_params: list[ModelParams] = []
    quant_bytes: list[QuantBytes] = []
    error_advice: list[str] = []
    error_advice_not: list[str] = []
    advice: PatternSet | None = Field(default=None, exclude=True)
    advice_not: PatternSet | None = Field(default=None, exclude=True)
    families: PatternSet | None = Field(default=None, exclude=True)

    model_config = Strict.model_config | {"arbitrary_types_allowed": True}

    def model_post_init(self, _ctx) -> None:
        """All family patterns in one set; a bad pattern or an unknown runtime fails at load."""
        for repo, own in self.repo_runtimes.items():
            if own.runtime not in RUNTIMES:
                raise ValueError(f"repo_runtimes: {repo}: unknown runtime {own.runtime!r}")
        for f in self.model_families:
            compile_re2(f.match)
        object.__setattr__(self, "families", PatternSet((f.match for f in self.model_families), ignore_case=True))
        for name, pats in (("advice", self.error_advice), ("advice_not", self.error_advice_not)):
            for p in pats:
                compile_re2(p)
            object.__setattr__(self, name, PatternSet(pats, ignore_case=True) if pats else None)

    def runtimes_in(self, repo: str | None, runtimes: list[str]) -> list[str]:
        """The issue's runtimes with its repository's own runtime first (see repo_runtimes)."""
        own = self.repo_runtimes.get((repo or "").lower())
        if own is None or (own.runtime not in runtimes and not own.first):
            return runtimes
        return [own.runtime, *(r for r in runtimes if r != own.runtime)]

    def family(self, model: str) -> ModelFamily | None:
        """The first family whose pattern matches the model name."""
        hits = self.families.match(model[:300])
        return self.model_families[min(hits)] if hits else None


def os_family(os_text: str) -> str | None:
    """The OS family an `os` value names: wsl, windows, macos or linux (WSL first: its text often names Windows)."""
    return next((name for name, rx in _OS if rx.search(os_text[:200])), None)


def derive_env(facts: Facts, tables: Tables | None) -> dict[str, str]:
    """The env values plus derived keys: torch_cuda(_major), torch_build, gpu_cc, os_family, driver_cuda_major,
    model_family, and the weights' fit on the GPUs (weights_gb, gpus_gb, weights_bytes, weights_exceed_gpus; with a
    sure memory, the room left and the 4- and 8-bit sizes)."""
    env = facts.env_values()
    torch = env.get("torch", "")
    tc = env.get("torch_cuda", "")
    if versions.parse(tc) is None:
        tc = versions.torch_cuda(torch) or ""
    if tc:
        env["torch_cuda"] = tc
        if (tc_major := versions.major(tc)) is not None:
            env["torch_cuda_major"] = str(tc_major)
    if "+cpu" in torch or env.get("torch_cuda", "").strip().lower() in ("none", "no cuda", "n/a") or (
        not tc and ("CUDA used to build PyTorch" in facts.text or "Is CUDA available" in facts.text)
        and _CPU_BUILD.search(facts.text)
    ):
        env["torch_build"] = "cpu"
    elif "+rocm" in torch:
        env["torch_build"] = "rocm"
    elif tc:
        env["torch_build"] = "cuda"
    if "gpu_cc" not in env and env.get("gpu") and (cc := compute_capability(env["gpu"][:300])):
        env["gpu_cc"] = cc
    if env.get("os") and (family := os_family(env["os"])):
        env["os_family"] = family
    if tables is None:
        return env
    if env.get("cuda_max") and versions.major(env["cuda_max"]) is not None:
        env["driver_cuda_major"] = str(versions.major(env["cuda_max"]))
    elif env.get("cuda_driver") and versions.parse(env["cuda_driver"]) is not None:
        column = "windows" if env.get("os_family") == "windows" else "linux"
        for row in tables.driver_cuda:
            if versions.compare(env["cuda_driver"], ">=", getattr(row, column)):
                env["driver_cuda_major"] = row.cuda
                break
    env.update(fit(env, facts.runtimes, tables))
    fam = tables.family(env["model"]) if env.get("model") else None
    if fam is not None:
        env["model_family"] = fam.id
        if fam.transformers:
            env["family_min_transformers"] = fam.transformers
        titled = tables.family(facts.title)
        if titled is not None and titled.id != fam.id:  # "Can Llama 4 Scout run...? Or stay on Llama 3.1 8B?"
            env["title_model_family"] = titled.id
    return env
