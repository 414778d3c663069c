"""Rules the desk writes once and Sapa applies: routing rules on new and re-opened tickets,
triggers on events, and time-based rules run by the worker; every run recorded."""
