"""The issue's "done when": a discussion reply notifies the thread's followers by e-mail in their language."""

from django.core import mail

from qicop.knowledge.discussions import services as discussions


def test_a_french_speaking_follower_reads_the_reply_notice_in_french(world):
    world.henri.user.language = "fr"
    world.henri.user.save()
    thread = discussions.thread_start(
        actor=world.henri.user,
        author=world.henri,
        network=world.network,
        title="Retards du coursier",
        body="Les échantillons attendent.",
    )
    mail.outbox.clear()
    discussions.post_reply(
        actor=world.kim.user, author=world.kim, thread=thread, body="We use motorbike riders."
    )
    [message] = mail.outbox
    assert message.subject == "Nouvelle réponse : Retards du coursier"
    assert "a répondu dans la discussion" in message.body
    assert "We use motorbike riders." in message.body
