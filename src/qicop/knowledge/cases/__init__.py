"""Case studies (review, versions, live charts, attachments), resources, topic pages and the case-study
feeds."""
