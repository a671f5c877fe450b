"""Pure, rule-based matching: answers and catalogue in, profile and ranked options out.

Nothing in this package does I/O, imports the web framework or holds translated prose.
"""
