"""NVIDIA GPU models: a table of compute capabilities and a lookup by free-form GPU text."""

from __future__ import annotations

import re2

CC: dict[str, str] = {
    # Blackwell
    "b200": "10.0", "b100": "10.0", "gb200": "10.0", "5090": "12.0", "5080": "12.0", "5070": "12.0", "5060": "12.0",
    "rtx pro 6000": "12.0",
    # Hopper
    "h100": "9.0", "h800": "9.0", "h200": "9.0", "h20": "9.0", "gh200": "9.0",
    # Ada
    "4090": "8.9", "4080": "8.9", "4070": "8.9", "4060": "8.9", "l40s": "8.9", "l40": "8.9", "l4": "8.9",
    "l20": "8.9", "6000 ada": "8.9", "5000 ada": "8.9", "4000 ada": "8.9",
    # Ampere
    "a100": "8.0", "a800": "8.0", "a30": "8.0", "a10g": "8.6", "a10": "8.6", "a40": "8.6", "a16": "8.6",
    "a2": "8.6", "a6000": "8.6", "a5000": "8.6", "a4500": "8.6", "a4000": "8.6", "a2000": "8.6", "3090": "8.6",
    "3080": "8.6", "3070": "8.6", "3060": "8.6", "3050": "8.6", "orin": "8.7",
    # Turing
    "t4": "7.5", "2080": "7.5", "2070": "7.5", "2060": "7.5", "1660": "7.5", "1650": "7.5", "titan rtx": "7.5",
    "quadro rtx 8000": "7.5", "quadro rtx 6000": "7.5", "quadro rtx 5000": "7.5", "quadro rtx 4000": "7.5",
    # Volta
    "v100": "7.0", "titan v": "7.0",
    # Pascal
    "p100": "6.0", "p40": "6.1", "p4": "6.1", "p6000": "6.1", "1080": "6.1", "1070": "6.1", "1060": "6.1",
    "1050": "6.1", "titan xp": "6.1", "gt 1030": "6.1",
    # Maxwell, Kepler
    "m40": "5.2", "m60": "5.2", "980": "5.2", "970": "5.2", "titan x": "5.2", "k80": "3.7", "k40": "3.5",
}
"""Model token (lower-case) -> compute capability, from NVIDIA's CUDA GPUs list."""

_KEYS = sorted(CC, key=len, reverse=True)
_TOKEN = re2.compile(
    r"(?i)(?:^|[^a-z0-9])(" + "|".join(k.replace(" ", r"\s*") for k in _KEYS) + r")(?:$|[^a-z0-9]|ti\b|d\b|s\b|gb|g\b)"
)


def model_token(gpu_text: str) -> str | None:
    """The table key named in free GPU text ("NVIDIA GeForce RTX 4090 24GB" -> "4090"), or None."""
    m = _TOKEN.search(gpu_text[:300])
    if not m:
        return None
    return " ".join(m.group(1).lower().split()) if " " in m.group(1) else m.group(1).lower()


def compute_capability(gpu_text: str) -> str | None:
    """The compute capability of the GPU named in the text ("Tesla V100-SXM2-32GB" -> "7.0"), or None."""
    tok = model_token(gpu_text)
    if tok is None:
        return None
    return CC.get(tok) or CC.get(tok.replace(" ", ""))
