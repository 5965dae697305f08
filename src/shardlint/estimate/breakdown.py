"""The figures one estimate is made of, in bytes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Parts:
    parameters: int = 0
    gradients: int = 0
    optimizer: int = 0

    @property
    def model_states(self) -> int:
        return self.parameters + self.gradients + self.optimizer


def split(total: int, shares: dict[str, float]) -> Parts:
    """``total`` divided by ``shares`` (which sum to 1); the last share takes the rounding."""
    names = list(shares)
    parts = {name: int(total * shares[name]) for name in names[:-1]}
    parts[names[-1]] = total - sum(parts.values())
    return Parts(**parts)


@dataclass(frozen=True)
class Estimate:
    """Model states per GPU and per node's CPU memory for one setup; activations per GPU when known."""

    gpu: Parts
    cpu: Parts                          # per node; includes the loading copies (see ``loading``)
    loading: int = 0                    # per node's CPU while the checkpoint is loaded
    activations: int | None = None
    source: str = ""                    # where the model-state formula comes from
    notes: tuple[str, ...] = field(default=())

    @property
    def gpu_total(self) -> int:
        return self.gpu.model_states + (self.activations or 0)

    @property
    def cpu_total(self) -> int:
        return max(self.cpu.model_states, self.loading)
