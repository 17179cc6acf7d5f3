"""The app's words, translated on the server and handed to the script in the page (the script
itself holds no text: the Content-Security-Policy allows no inline script, and the strings ride
in a data attribute of the app's root element). ``{n}``-style names are filled in by the script."""

from django.utils.translation import gettext as _


def strings() -> dict[str, str]:
    return {
        "offline": _("No network: showing the lists kept on this phone."),
        "saved": _("Lists kept on this phone for {day}; wiped at {at}."),
        "no_data": _("No lists on this phone yet: open the app once with a network."),
        "login_again": _("Log in again to sync; the records stay on this phone meanwhile."),
        "log_in": _("Log in"),
        "wiped": _("The data on this phone is wiped."),
        "expired": _("The lists kept on this phone were older than allowed and are wiped."),
        "queue": _("Waiting to sync: {n}"),
        "sync_now": _("Sync now"),
        "syncing": _("Syncing…"),
        "synced": _("Synced: {applied} recorded, {conflicts} to look at."),
        "sync_failed": _("No network: the records stay on this phone until the next sync."),
        "monitoring": _("Home monitoring today"),
        "tasks": _("My tasks and door checks"),
        "untested": _("Not yet tested"),
        "check_in": _("Check in"),
        "temperature": _("temperature (°C)"),
        "note": _("note"),
        "record": _("Record"),
        "cancel": _("Cancel"),
        "queued": _("recorded, waiting to sync"),
        "overdue": _("overdue"),
        "test_due": _("test due"),
        "checked": _("checked in today"),
        "self_reported": _("reported it themselves"),
        "todo": _("check-in to do"),
        "door_visit": _("Door visit"),
        "report_work": _("Report the work"),
        "what_done": _("What was done"),
        "submit": _("Submit"),
        "due": _("due"),
        "conflicts": _("To look at"),
        "clear": _("Clear"),
        "logout": _("Log out"),
        "logout_ask": _("{n} records are not synced yet. Sync them before logging out?"),
        "logout_sync": _("Sync and log out"),
        "logout_discard": _("Log out and discard them"),
        "logged_out": _("Logged out: nothing is left on this phone."),
        "nobody_monitored": _("Nobody under home monitoring here today."),
        "no_tasks": _("No open tasks."),
        "nobody_untested": _("Everyone here has been sampled."),
        "none_found": _("Nobody and nothing found."),
        "bad_temperature": _("A temperature between 34.0 and 42.5 °C."),
        "write_something": _("Say what was done."),
    }
