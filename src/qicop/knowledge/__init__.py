"""Knowledge: one Django app (label ``knowledge``; models, migrations, templates and template tags at its
root), grouped by feature into rooms with the usual names inside (``permissions``, ``selectors``,
``services``, ``forms``, ``views``, ``urls`` merged into ``knowledge/urls.py`` under the namespace
"knowledge", ``search`` for the search index, ``demo`` for the demo network).

``cases/`` case studies, with their review workflow, versions, live charts and attachments; resources;
    topic pages; ``feeds`` (the public and private Atom feeds of published case studies). Its views are
    a package by page family: ``case_studies`` (list, write, edit, read), ``review`` (workflow, review
    comments, history), ``charts``, ``attachments``, ``resources``, ``topics``, and ``common`` (the steps
    they share).
``discussions/`` threads and posts on a network, a meeting, a case study, a resource or a chart: writing,
    following, accepting an answer, reporting and moderating.
At the root: ``models`` every table · ``notifications`` what a member is told (in-app and by e-mail,
    digests) about case studies and discussions · ``whats_new`` the page of recent activity · ``tasks``
    (ids in, mail out) · ``templatetags`` (a page's discussions) · ``apps``.

Topics belong to the network (``network.selectors.topics_of_network`` lists them for every page); case
studies' rules are in ``cases/permissions.py``, discussions' in ``discussions/permissions.py``.
"""
