"""Evidence from casework for the staff under /evidence, one blueprint (`evidence`): the
list (a coordinator's office, an expert's own), an item's page with its rewrite, and the
coordinator's approval or return (views.py, forms.py). A case is flagged from its page."""

from bureau.web.evidence.views import bp

__all__ = ["bp"]
