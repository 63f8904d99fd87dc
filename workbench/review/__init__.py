"""Review: what translators do to the parallel text, without any UI.

- `session`: the review session one translator's screen (or script) holds: every change
  journaled before it is shown, applied to a view, folded into the file behind;
- `changes`: changes as plain values, and the one function that applies them;
- `journal`, `fold`, `writer`, `recovery`: durability, the files, the memory, and the replay
  of sessions that ended without folding;
- `steps`: exact undo and redo; `library`: the project's articles; `finding`: search;
- `work`: the work behind actions (translating, preparing, re-translating) as plain
  functions that run in any thread.
"""
