"""The release calendar (art. 6, 19–20): when each statistical release comes out, and the
public record of every change to a confirmed date. Rules only, without HTTP:
``timing`` reads and writes release times, ``entries`` changes an entry's date and status."""
