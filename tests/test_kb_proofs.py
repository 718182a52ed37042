"""Every shipped fix that says `proved_by: tools/verify_facts.py` has an entry the tool checks (offline: no registry)."""

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    """tools/verify_facts.py as a module (tools/ is not a package)."""
    sys.path.insert(0, str(ROOT / "tools"))
    spec = importlib.util.spec_from_file_location("verify_facts", ROOT / "tools" / "verify_facts.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TOOL = _tool()
PROVED = [(path.stem, r) for path in sorted((ROOT / "rules" / "fixes").glob("*.yml"))
          for r in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"] if r.get("proved_by")]


@pytest.mark.parametrize("area, rule", PROVED, ids=lambda x: x["id"] if isinstance(x, dict) else x)
def test_proved_fix_has_a_check_in_the_tool(area, rule):
    assert rule["proved_by"] == "tools/verify_facts.py"
    rid = rule["id"]
    if not rule.get("gate"):
        assert rid in TOOL.FACTS or rid in TOOL.REMOVED or rid in TOOL.NO_FILES
        return
    if rid in TOOL.WHEEL_GATES or rid in TOOL.SOURCE_GATES:
        return
    family = rid.split("-")[1]
    assert area in TOOL.FAMILIES[family], f"no registry probe for {family} in {area}"


def test_every_tool_entry_names_a_shipped_fix():
    ids = {r["id"] for _, r in PROVED}
    named = set(TOOL.FACTS) | set(TOOL.REMOVED) | set(TOOL.NO_FILES) | set(TOOL.WHEEL_GATES) | set(TOOL.SOURCE_GATES)
    assert named - ids == set()
