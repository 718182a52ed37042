"""The reporter's stack: which runtimes/launchers the issue uses (Facts.runtimes), most specific first."""

from __future__ import annotations

from bot.core.extract.common import rx
from bot.core.patternset import PatternSet
from bot.core.types import EnvFact, ErrorFact

ORDER = ("ollama", "llama_cpp", "lmdeploy", "sglang", "vllm", "llamafactory", "trl", "peft", "deepspeed",
         "transformers", "torch")
"""Most specific first: a tool built on another names the more useful report command."""

_USES = {  # the issue runs it: a command line, an import, a log line only it prints
    "ollama": r"\bollama[ \t]+(?:run|serve|pull|create|show|ps|list|cp|rm)\b|ollama version is|OLLAMA_[A-Z_]+|"
              r":11434\b|/api/(?:generate|chat)\b|\bModelfile\b|(?m:^(?:PARAMETER[ \t]+[a-z_]+[ \t]|TEMPLATE[ \t]+\"))",
    "llama_cpp": r"llama-(?:cli|server|bench|quantize|perplexity|simple|mtmd-cli)\b|\./main[ \t]+-m\b|"
                 r"\bllama_cpp\b|\bggml_[a-z]|\bllama_model_load|\bllm_load_|system_info: n_threads|"
                 r"convert[_-]hf[_-]to[_-]gguf",  # a .gguf file alone is a format Ollama and vLLM load too
    "lmdeploy": r"lmdeploy[ \t]+(?:serve|chat|lite|convert|check_env)|(?:from|import)[ \t]+lmdeploy\b|LMDeploy: ",
    "sglang": r"sglang\.launch_server|(?:from|import)[ \t]+sglang\b|sglang\.check_env|\bsgl\.",
    "vllm": r"\bvllm[ \t]+serve\b|vllm\.entrypoints|(?:from|import)[ \t]+vllm\b|\bLLM\(model=|vLLM Version[ \t]*:|"
            r"LLM engine \(v|vllm collect-env",
    "llamafactory": r"llamafactory-cli|\bllamafactory\b|llama-factory|llama_factory|src/train(?:_bash)?\.py",
    "trl": r"(?:from|import)[ \t]+trl\b|\b(?:SFT|DPO|GRPO|PPO|KTO|ORPO|Reward)Trainer\b|\bSFTConfig\b",
    "peft": r"(?:from|import)[ \t]+peft\b|\bLoraConfig\b|\bget_peft_model\b|\bPeftModel\b",
    "deepspeed": r"\bdeepspeed[ \t]+(?:--|[a-z_/]+\.py)|(?:from|import)[ \t]+deepspeed\b|ds_config|ds_report|"
                 r"DeepSpeed info: |zero_stage|--deepspeed\b",
    "transformers": r"(?:from|import)[ \t]+transformers\b|\bAutoModel(?:ForCausalLM)?\b|\bAutoTokenizer\b|"
                    r"\.from_pretrained\(|\bTrainer\(|transformers-cli env|transformers env",
    "torch": r"(?:from|import)[ \t]+torch\b|\btorchrun\b|torch\.distributed",
}
_SAYS = {  # the prose names it: weaker than using it
    "ollama": r"(?i)\bollama\b", "llama_cpp": r"(?i)llama[.\-_ ]?cpp|\bgguf\b", "lmdeploy": r"(?i)\blmdeploy\b",
    "sglang": r"(?i)\bsglang\b", "vllm": r"(?i)\bvllm\b", "llamafactory": r"(?i)llama[-_ ]?factory",
    "trl": r"\bTRL\b|\btrl\b", "peft": r"(?i)\bpeft\b", "deepspeed": r"(?i)\bdeepspeed\b",
    "transformers": r"(?i)\btransformers\b",
}
_USES_NAMES, _USES_SET = tuple(_USES), PatternSet(_USES.values())
_SAYS_NAMES, _SAYS_SET = tuple(_SAYS), PatternSet(_SAYS.values())
"""Each text is searched once for every runtime's patterns (not once per runtime)."""
_LISTS = ("pip", "conda")
_OWN_PACKAGE = frozenset(ORDER) - {"ollama"}
"""Runtimes whose own Python package owning a failing frame means the runtime fails (`ollama` is only a client)."""


_CLAUSE = rx(r"[.!?;,:](?:[ \t\n]|$)|[\n。；！？，：]+|\bbut\b|\bwhile\b|\bwhereas\b|但是?|不过|而")
_WORKS = rx(r"(?i)\bworks?\b|\bworked\b|\bworking\b|(?:^|[^\w-])fine(?:[^\w-]|$)|\bperfectly\b|\bcorrectly\b|"
            r"\bnormal(?:ly)?\b|\bno (?:problems?|issues?)\b|\bwithout (?:any )?(?:problems?|issues?)\b|\bas expected\b|"
            r"没有出现|没出现|正常|没问题|没有问题|能用|可以用|是好的|没有这个问题")
"""Words saying something works: a clause naming a runtime with them ("works fine in llama.cpp", "在 ollama 上没有出现")
is a comparison, unless it also says it fails, or gives a version (the reporter's own stack at another version)."""
_FAILS = rx(r"(?i)\bnot\b|n't\b|\bno longer\b|\bnever\b|\bfail|\berror|\bcrash|\bbroken\b|\bsame (?:issue|problem|error|"
            r"bug|thing|behaviou?r)\b|\balso\b|\btoo\b|\bonly\b|也|报错|失败|不能|无法|不行")
_VERSIONED = rx(r"\d+\.\d+")


def compared_only(said: str, env: dict[str, EnvFact]) -> set[str]:
    """The runtimes the text names only in clauses saying they work, with no version given: the reporter's
    comparison, not their stack ("works in vllm 0.5.4" is their stack at another version)."""
    works, elsewhere = set(), set()
    if not _WORKS.search(said) or not {_SAYS_NAMES[i] for i in _SAYS_SET.match(said)} - env.keys():
        return works  # no clause says a runtime without a stated version works
    for clause in _CLAUSE.split(said):
        named = {_SAYS_NAMES[i] for i in _SAYS_SET.match(clause)}
        if named:
            compares = _WORKS.search(clause) and not _FAILS.search(clause) and not _VERSIONED.search(clause)
            (works if compares else elsewhere).update(named)
    return {n for n in works - elsewhere if n not in env}


SERVING = frozenset(("ollama", "llama_cpp", "lmdeploy", "sglang", "vllm"))
"""Engines a reporter runs one of and compares with the others: which one fails matters most. Their env keys
(read from outside a package list) mean the engine is the one in use."""


def engines_run(env: dict[str, EnvFact]) -> list[str]:
    """The serving engines whose version the issue states outside a package list (an issue form's field, a log)."""
    return [n for n in ORDER if n in SERVING and env.get(n) is not None and env[n].source not in _LISTS]


def detect_runtimes(title: str, prose: str, code: list[str], env: dict[str, EnvFact],
                    errors: list[ErrorFact], compared: set[str]) -> list[str]:
    """The runtimes this issue uses, most telling first: among serving engines, the one in the failing frames,
    then those the code blocks, logs and dumps run, then those only the prose runs ("with `ollama run` it is
    fast"); then the libraries it uses; then what the prose only names; last those it names only as working
    (`compared`, from compared_only). Each group most specific first."""
    said = title + "\n" + prose
    failing = set()
    for e in errors:
        for pkg in [e.package, *(f.package for f in e.frames[-3:])]:
            if pkg in _OWN_PACKAGE:
                failing.add(pkg)
    ran = {_USES_NAMES[i] for i in _USES_SET.match("\n".join(code))} | set(engines_run(env))
    told = {_USES_NAMES[i] for i in _USES_SET.match(said)} - ran
    strong = failing | ran | told
    weak = {_SAYS_NAMES[i] for i in _SAYS_SET.match(said)} - strong
    last = compared - failing - ran  # named only as working: the comparison goes last
    out: list[str] = []
    for group in (failing & SERVING, ran & SERVING, told & SERVING, strong, weak, last):
        out += [n for n in ORDER if n in group and n not in out and (group is last or n not in last)]
    return out
