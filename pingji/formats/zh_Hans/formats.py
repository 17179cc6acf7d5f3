"""Chinese input formats with ISO 8601 first (``settings.FORMAT_MODULE_PATH``).

A form widget writes its value in the first input format of the active language, and
``<input type="date">`` accepts only ``YYYY-MM-DD``: Django's zh-Hans formats put ``2016/09/05``
first, so every date field of the Chinese UI showed empty. The slash and 年月日 forms are still
read. What is not set here (display formats) comes from Django's zh-Hans module.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05'
    "%Y/%m/%d",  # '2016/09/05'
    "%Y年%m月%d日",  # '2016年9月5日'
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",  # '2016-09-05 20:45'
    "%Y-%m-%dT%H:%M",  # '2016-09-05T20:45', what <input type="datetime-local"> sends
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
]
