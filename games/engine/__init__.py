"""The pure Liap Tui rules core. No Django import anywhere below here."""
