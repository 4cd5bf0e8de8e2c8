"""What every web area shares: loaders, the case-action runner, labels, navigation, the
addresses given out, errors, sessions, kept forms, the audit helper and the statistics'
query, charts and exports. Nothing here imports an area."""
