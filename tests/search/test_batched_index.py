"""Loaders that touch an entry many times bring it up to date once, at the end of their batch."""

from __future__ import annotations

import pytest

from qicop.network.models import Membership, Role
from qicop.search import index
from qicop.search.models import SearchEntry


@pytest.fixture
def reindexed(monkeypatch):
    """What was re-indexed, in order, as (kind, id): one object or many, it is done by reindex_many."""
    seen: list[tuple[str, str]] = []
    many = index.reindex_many

    def spy(kind, pks, **options):
        seen.extend((kind, str(pk)) for pk in pks)
        many(kind, pks, **options)

    monkeypatch.setattr(index, "reindex_many", spy)
    return seen


def test_outside_a_batch_every_change_reindexes_its_entry(world, reindexed):
    Membership.objects.create(member=world.kim, network=world.other_network, role=Role.MEMBER)
    world.kim.save()

    assert reindexed == [("member", str(world.kim.pk))] * 2


def test_in_a_batch_an_entry_touched_three_times_is_reindexed_once_at_the_end(world, reindexed):
    with index.batched():
        world.kim.bio = "Runs the viral-load collaborative"
        world.kim.save()
        Membership.objects.create(member=world.kim, network=world.other_network, role=Role.MEMBER)
        world.kim.save()
        assert reindexed == []

    assert reindexed == [("member", str(world.kim.pk))]
    entries = SearchEntry.objects.filter(kind="member", object_id__startswith=f"{world.kim.pk}@")
    assert {e.network_id for e in entries} == {world.network.pk, world.other_network.pk}
    assert all("viral-load" in e.body for e in entries)


def test_nested_batches_leave_the_work_to_the_outermost(world, reindexed):
    with index.batched():
        with index.batched():
            world.kim.save()
        assert reindexed == []
        world.henri.save()

    assert sorted(reindexed) == sorted([("member", str(world.kim.pk)), ("member", str(world.henri.pk))])


def test_a_batch_that_fails_indexes_nothing(world, reindexed):
    def loader_that_stops():
        with index.batched():
            world.kim.save()
            raise RuntimeError("the loader stopped")

    with pytest.raises(RuntimeError):
        loader_that_stops()

    assert reindexed == []
    with index.batched():
        world.henri.save()
    assert reindexed == [("member", str(world.henri.pk))]


def test_an_object_deleted_in_a_batch_leaves_no_entry(world):
    with index.batched():
        world.kim.save()
        pk = world.kim.pk
        world.kim.delete()

    assert not SearchEntry.objects.filter(kind="member", object_id__startswith=f"{pk}@").exists()
    assert not SearchEntry.objects.filter(kind="member", object_id=str(pk)).exists()


def test_a_batch_indexes_what_one_change_at_a_time_would(world):
    """The entries a batch writes at once are those the entries re-indexed one by one would be."""
    world.kim.bio = "Coaches three facilities in Nakuru"
    world.kim.save()
    one_by_one = _entries()

    with index.batched():
        world.kim.save()
        world.henri.save()
        world.faith.save()

    assert _entries() == one_by_one


def test_a_batch_of_more_objects_than_a_chunk_indexes_every_one(world):
    members = [world.kim, world.henri, world.faith, world.dan, world.carla]
    index.reindex_many("member", [m.pk for m in members], chunk=2)

    for member in members:
        assert SearchEntry.objects.filter(kind="member", object_id__startswith=f"{member.pk}@").exists()


def _entries():
    return sorted(
        SearchEntry.objects.values_list("kind", "object_id", "network_id", "title", "body", "terms")
    )
