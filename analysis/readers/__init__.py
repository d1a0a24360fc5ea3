"""Readers turn a corpus spec into raw documents; :mod:`analysis.corpus` cleans them.

Each reader is a generator ``read(path, report, **options)`` yielding
:class:`~analysis.readers.base.RawDoc` and recording what it skipped in the
:class:`~analysis.readers.base.LoadReport`. Readers never write to their input.
"""
