"""Meeting e-mails: invitations, updates, cancellations, reminders, deadline reminders and follow-ups.

Who gets which mail is in ``recipients``; one mail for one recipient in ``rendering``; the batches in
``sending``; what sets them off in ``triggers``; unsubscribe links and opt-outs in ``unsubscribe``; the
mail panel of a meeting page in ``summary``.

Every mail is rendered for one recipient — in their language and time zone, with their own unsubscribe
link — and recorded in ``SentMail`` under a key that names it, in the transaction that sends it. A key
already recorded for a member is never sent to them again, so the tasks and the cron command
(``qicop send_meeting_mail``) may run as often as they like, and a batch that stopped half-way picks up
where it stopped. The keys:

- ``invitation:<meeting>:<sequence>`` one version of the calendar invitation (the first, or an update);
- ``cancellation:<meeting>:<sequence>`` the METHOD:CANCEL sent when the meeting is called off;
- ``reminder:<meeting>:<offset>`` e.g. ``reminder:12:7d``, to registered members and delegates;
- ``deadline:<case presentation>:<offset>`` to the country's focal points until it is submitted;
- ``follow_up:<meeting>`` minutes, materials, decisions and actions after the meeting.

The delegates of an in-person (or hybrid) meeting get its invitation, updates and reminders too: delegates
who are members as members (delegates count as registered: they get the join link), delegates who are not
members at the address the focal point gave (``Address``: in their country's language and zone, recorded
in SentMail by address, with an unsubscribe link keyed on the address and no preferences page, which
needs an account). An address is left out only where a member gets that same mail (one of its recipients,
or one who had it already): anyone else typed in — a member of another network, an observer, an account
from another country or a deactivated one — is mailed at the address, and nobody gets a mail twice. An
address whose account unsubscribed from that kind of mail is left out too. Updates and the cancellation
go to every address that had the invitation, whatever the meeting or its delegations became since: every
calendar with the event must be updated.
"""
