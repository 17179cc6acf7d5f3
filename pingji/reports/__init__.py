"""The situation room, the daily report (Word, Excel, HTML) and the outbreak replay."""
