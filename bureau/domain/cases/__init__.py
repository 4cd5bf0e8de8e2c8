"""The case engine: every rule about an inquiry, from intake to resolution.

lifecycle (the only writer of a case's status: every transition, assignment included),
access (the office and own-case rules), intake, references, search, timeline, deadlines,
routing (which expert), queues, and what citizens reach: status look-up, online
inquiries, receipts, feedback.
"""
