// PushgateEmulators: see docs/design.md "Targets" for what this target holds.
