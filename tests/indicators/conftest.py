import pytest

from data_world import DataWorld


@pytest.fixture
def data(world) -> DataWorld:
    return DataWorld(world)
