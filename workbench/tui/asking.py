"""A question before a confirm whose target has QA findings; the editing and the checking
parts of the screen both ask it."""

from __future__ import annotations

from collections.abc import Callable

from workbench.errors import WorkbenchError
from workbench.review.settings import review_settings
from workbench.tui.base import ReviewBase
from workbench.tui.dialogs import ConsentDialog
from workbench.tui.text import describe


class Asking(ReviewBase):
    def ask_on_findings(self) -> bool:
        try:
            return review_settings(self.session.project).ask_on_findings
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="error")
            return True

    def after_qa(self, article: str, segment_id: str, text: str, then: Callable[[], None]) -> None:
        """Run `then` (a confirm), first asking when `text` has QA findings."""
        findings = self.findings_of(article, segment_id, text, wait=True)
        if not findings or not self.ask_on_findings():
            then()
            return
        listed = "\n".join(f"• {f.check}: {f.message}" for f in findings[:8])
        more = f"\n… and {len(findings) - 8} more" if len(findings) > 8 else ""

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(
            ConsentDialog(
                f"Confirm with {len(findings)} QA finding{'s' if len(findings) > 1 else ''}?",
                f"{listed}{more}\n\nConfirm anyway, or keep it to fix it (! judges a finding not an error).",
                "Confirm anyway",
                "Back to it",
            ),
            answered,
        )
