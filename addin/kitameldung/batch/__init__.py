"""Many facility workbooks at once: parallel refresh, a result cache, the provider overview."""
