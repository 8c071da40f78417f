"""Readers and writers of outside formats (DHIS2, ADX, FHIR, spreadsheets, Zoom/Teams, iCalendar).

Plain Python returning plain dataclasses: nothing here imports Django or any qicop app, so each format
can be tested on real files alone, and the domain apps decide what the rows mean.
"""
