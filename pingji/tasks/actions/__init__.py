"""Task actions: the one task mechanism and the command work done through it.

One module per family of writes; callers import from the module that holds the function:

- ``work``: a task's life — create, submit evidence, verify, return, cancel, escalate when
  overdue;
- ``rule_tasks``: the tasks other domains' rules issue and close (``do_issue_rule_task``,
  ``do_close_rule_tasks``, and ``issue_rule_tasks`` for a bulk path);
- ``directives``: a directive and one task per receiving jurisdiction or department;
- ``problems``: an inspection's problem list, each item a rectification task;
- ``plans``: work plan templates, each jurisdiction's plan, its submission and return;
- ``reviews``: after-action reviews and their improvement tasks;
- ``issuing``: the checks every issuing action shares (who issues, to which levels, by when).

Directives, problem lists, plans and reviews each turn their work into tasks with
``work.do_create_task``, so owners, deadlines, evidence, verification and escalation are the same
everywhere.
"""
