"""The weekly digest of each network, by e-mail (issue 17, item 5): content.py says what one member reads
in it, sending.py who gets it, when, and once; views.py its unsubscribe link."""
