"""The demo network, assembled from each app's demo data. Loading is idempotent."""

from qicop.network.demo import DEMO_PASSWORD, demo_logins, load_network_demo

DEMO_LOGINS = demo_logins()

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "load_demo"]


def load_demo(seed: int = 2026) -> bool:
    """Load every part of the demo that is not there yet. Returns whether anything was created."""
    return load_network_demo(seed=seed)
