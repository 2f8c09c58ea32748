"""Synthetic 建档立卡 registries in the national export layouts: realistic, consistent, reproducible, maybe dirty."""

from fupin.synth.generate import DEMO_COUNTIES, Synthetic, generate

__all__ = ["DEMO_COUNTIES", "Synthetic", "generate"]
