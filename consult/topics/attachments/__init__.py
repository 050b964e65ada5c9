"""Topic attachments: what a file is (``filetypes``), where it lives (``storage``), its row (``models``)
and attaching or removing one (``operations``). Routes are in ``consult.topics.routes.attachments``."""
