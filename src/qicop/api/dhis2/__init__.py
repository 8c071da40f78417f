"""DHIS2-compatible endpoints, so that a script written for DHIS2 pushes to and pulls from qicop unchanged.

Authentication as DHIS2 accepts it: ``Authorization: ApiToken <token>``, ``Bearer <token>``, HTTP basic
(e-mail and password), or the browser's session for reads (``common.api_user``). One module per resource:
``data_values`` (data value sets and import tasks), ``metadata``.
"""
