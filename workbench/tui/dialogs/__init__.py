"""Modal dialogs of the review screen, one module per job; each returns its answer through
`dismiss`, and the screen acts on it."""

from workbench.tui.dialogs.conflict import ConflictDialog, ConsentDialog
from workbench.tui.dialogs.glossary import GlossaryDialog
from workbench.tui.dialogs.memory import MemoryDialog
from workbench.tui.dialogs.removed import RemovedDialog

__all__ = ["ConflictDialog", "ConsentDialog", "GlossaryDialog", "MemoryDialog", "RemovedDialog"]
