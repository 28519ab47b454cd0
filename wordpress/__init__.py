"""What exists only to be compatible with WordPress: WXR import and export, import jobs,
old-link redirects."""
