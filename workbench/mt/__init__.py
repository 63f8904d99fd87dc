"""Machine translation: Argos packages, the CTranslate2 engine, the translation memory."""
