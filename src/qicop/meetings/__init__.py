"""Meetings: one Django app (label ``meetings``; models, migrations and templates at its root), grouped by
feature into rooms. A newcomer looking for a feature opens one folder; inside it the rooms have the usual
names: ``permissions`` (rules, one condition a line), ``selectors`` (reads), ``services`` (writes, atomic
and audited), ``forms``, ``views``, ``urls`` (merged into ``meetings/urls.py``, namespace "meetings") and
``demo`` (the room's part of the demo network).

The meeting itself, at the root
    ``models`` every table of the app · ``permissions`` the rules every room builds on (who sees meetings,
    who runs them, who names a delegation, who presents) · ``access`` the opening step of a meetings page ·
    ``selectors`` reads of meetings (lists, one meeting, registrations, carried-forward actions) ·
    ``services`` registering and calendar feeds · ``views`` the list, a meeting's page (each room adds its
    panel), registering, .ics files and feeds · ``calendars`` meetings as iCalendar data · ``search`` the
    search index entry · ``tasks`` background mail batches (ids in) · ``demo`` the demo meetings ·
    ``admin``.
``agenda/`` planning meetings (create, edit, copy, cancel), their agenda, the network's topics, and the
    countries' case presentations (assigned → submitted → approved or changes requested; recommendations).
``series/`` meeting series and "find a time" (``find_a_time``: slots ranked by local working hours, with
    the inconvenience of a series' past sessions rotated).
``delegations/`` delegations to in-person meetings, attendance recorded by hand, and ``documents``
    (invitation letters and certificates of attendance, as PDF).
``attendance/`` a meeting's Zoom or Teams attendance report, matched to members, and ``statistics``
    (attendance per series, meeting and country).
``materials/`` slides, documents, recordings and links on the agenda, and ``pack`` (the low-bandwidth
    zip of a meeting).
``minutes/`` the minutes, decisions and action items of a meeting.
``proceedings/`` a year's proceedings (page, HTML file, PDF) and ``evaluation`` (the survey after a
    meeting and its results).
``mail/`` every meeting e-mail: ``recipients`` (who gets what), ``rendering`` (one mail for one
    recipient), ``sending`` (the batches, recorded in SentMail), ``triggers`` (what sets them off: changes,
    buttons, reminders falling due), ``unsubscribe`` (signed links and opt-outs), ``summary`` (the mail
    panel of a meeting page), the preferences page.

Imports flow one way: views → services → selectors and permissions → models. Rooms use the root's modules
and each other's rules, reads and writes, never each other's views: only the meeting's page (the root's
``views``) gathers the rooms' panels.
"""
