"""The archive (档案管理, domain.md rules 33-37): bundles, waivers, retention, appraisal and destruction."""
