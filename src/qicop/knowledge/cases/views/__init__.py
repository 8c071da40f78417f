"""Pages of case studies, resources and topics, one module per family of pages."""
