"""Actions carry an owner, a country, a due date and a status; coordinators correct and delete decisions and
actions on the minutes page, each change audited. The status form keeps its contract (form=status,
action=<id>, status=<value>), which the meeting page posts to as well."""

from datetime import date

from qicop.core.models import AuditEntry
from qicop.meetings.models import ActionItem, Decision


def url(world):
    return f"/n/vln/meetings/{world.meeting.pk}/minutes/"


def add_action(client, world, **fields):
    data = {"form": "action", "description": "Share the QI coach curriculum", **fields}
    return client.post(url(world), data)


def test_an_action_takes_the_country_chosen(world):
    client = world.client_for("carla")
    response = add_action(client, world, owner=world.kim.pk, country=world.haiti.pk, due="2030-04-30")
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert (action.owner, action.country, action.due) == (world.kim, world.haiti, date(2030, 4, 30))


def test_an_action_without_a_country_takes_its_owners(world):
    add_action(world.client_for("carla"), world, owner=world.kim.pk)
    assert ActionItem.objects.get().country == world.kenya


def test_an_action_without_an_owner_may_still_have_a_country(world):
    add_action(world.client_for("carla"), world, country=world.namibia.pk)
    action = ActionItem.objects.get()
    assert action.owner is None and action.country == world.namibia


def test_the_minutes_page_shows_each_actions_country(world):
    client = world.client_for("carla")
    add_action(client, world, country=world.namibia.pk)
    page = client.get(url(world)).content.decode()
    assert ">Country</th>" in page and f"<td>{world.namibia.display_name}</td>" in page
    assert 'for="id_country">Country' in page


def test_a_country_outside_the_network_is_refused_with_the_form_shown_again(world):
    from personas import make_country

    brazil = make_country("BR", "BRA", "Brazil", "America/Sao_Paulo")
    response = add_action(world.client_for("carla"), world, country=brazil.pk)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_an_action_is_edited_and_the_change_audited(world):
    client = world.client_for("carla")
    add_action(client, world, owner=world.kim.pk)
    action = ActionItem.objects.get()
    form = client.get(url(world) + f"?edit_action={action.pk}").content.decode()
    assert "Edit the action" in form and 'value="Share the QI coach curriculum"' in form
    response = client.post(
        url(world),
        {
            "form": "action_edit",
            "action": action.pk,
            "edit-description": "Share the curriculum in French",
            "edit-owner": world.henri.pk,
            "edit-country": "",
            "edit-due": "2030-05-31",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "Share the curriculum in French"
    assert (action.owner, action.country, action.due) == (world.henri, world.haiti, date(2030, 5, 31))
    assert AuditEntry.objects.filter(verb="meeting.action_change").exists()


def test_an_edit_with_bad_input_is_answered_400_with_the_form_and_nothing_changes(world):
    client = world.client_for("carla")
    add_action(client, world)
    action = ActionItem.objects.get()
    response = client.post(
        url(world),
        {"form": "action_edit", "action": action.pk, "edit-description": "", "edit-due": "someday"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Edit the action" in page and "Enter a valid date." in page
    action.refresh_from_db()
    assert action.description == "Share the QI coach curriculum"


def test_an_action_is_deleted_and_the_deletion_audited(world):
    client = world.client_for("carla")
    add_action(client, world)
    action = ActionItem.objects.get()
    assert client.post(url(world), {"form": "action_delete", "action": action.pk}).status_code == 302
    assert not ActionItem.objects.exists()
    entry = AuditEntry.objects.get(verb="meeting.action_delete")
    assert entry.data["description"] == "Share the QI coach curriculum"


def test_a_decision_is_edited_and_deleted(world):
    client = world.client_for("carla")
    client.post(url(world), {"form": "decision", "text": "Meet every two months"})
    decision = Decision.objects.get()
    assert "Edit the decision" in client.get(url(world) + f"?edit_decision={decision.pk}").content.decode()
    client.post(
        url(world), {"form": "decision_edit", "decision": decision.pk, "edit-text": "Meet every month"}
    )
    decision.refresh_from_db()
    assert decision.text == "Meet every month"
    empty = client.post(url(world), {"form": "decision_edit", "decision": decision.pk, "edit-text": ""})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    client.post(url(world), {"form": "decision_delete", "decision": decision.pk})
    assert not Decision.objects.exists()
    assert {"meeting.decision_change", "meeting.decision_delete"} <= set(
        AuditEntry.objects.values_list("verb", flat=True)
    )


def test_the_status_contract_is_unchanged(world):
    client = world.client_for("carla")
    add_action(client, world)
    action = ActionItem.objects.get()
    response = client.post(url(world), {"form": "status", "action": action.pk, "status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert client.post(url(world), {"form": "status", "action": action.pk, "status": "x"}).status_code == 404


def test_only_coordinators_edit_or_delete_and_only_by_post(world):
    carla = world.client_for("carla")
    add_action(carla, world)
    carla.post(url(world), {"form": "decision", "text": "Meet every two months"})
    action, decision = ActionItem.objects.get(), Decision.objects.get()
    faith = world.client_for("faith")
    assert faith.post(url(world), {"form": "action_delete", "action": action.pk}).status_code == 403
    assert faith.post(url(world), {"form": "decision_delete", "decision": decision.pk}).status_code == 403
    # a GET with the edit parameter only shows the form
    carla.get(url(world) + f"?edit_action={action.pk}")
    assert (
        ActionItem.objects.filter(pk=action.pk).exists() and Decision.objects.filter(pk=decision.pk).exists()
    )


def test_an_action_of_another_meeting_cannot_be_edited_from_this_page(world):
    from qicop.meetings.models import Meeting

    other = Meeting.objects.create(
        network=world.network, title="Other", start=world.meeting.start, end=world.meeting.end
    )
    foreign = ActionItem.objects.create(meeting=other, description="Elsewhere")
    carla = world.client_for("carla")
    assert carla.post(url(world), {"form": "action_delete", "action": foreign.pk}).status_code == 404
    assert ActionItem.objects.filter(pk=foreign.pk).exists()
