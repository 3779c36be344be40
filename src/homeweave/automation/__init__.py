"""Automations and scenes across vendors, with traces that answer "why didn't it fire?".

An automation (``schema.AutomationConfig``, the same shape in homeweave.yaml and the API) has
triggers, conditions and actions and a mode. The engine (``engine.AutomationEngine``) compiles
it against the registry, routes each property change or device event through the trigger index
to the triggers that watch it, checks the conditions and runs the actions on a clock
(``clock.RealClock``, or ``clock.FakeClock`` in tests). Every trigger evaluation leaves a trace.

Behaviour across restarts (the engine stopping and starting with the hub):

- A time, calendar or sun trigger fires at most once per occurrence: the occurrence (its wall
  time in the home's zone, so 02:30 on the night clocks go back counts once) is recorded in the
  database *before* the actions run. Occurrences missed while the hub was down are not caught up.
- A running ``for:`` timer is kept in the database. At the next start it resumes with the time
  it had left if the value still holds (a due time already past fires at once); if the value
  changed while the hub was down, it is dropped and a trace says so. Disabling, changing or
  deleting the automation drops its timers.
- Runs in progress (a ``delay``, a ``wait``) are cancelled when the hub stops, with a trace.

This module imports nothing, so ``homeweave.config`` can import ``automation.schema``.
"""
