"""A synthetic health centre and the files its upstream systems would send: a 43-file export
and NHSO rights lists, for `sitthi demo`, the tests and the benchmarks.

`centre.build_centre` makes the people and their rights (rates in `rates.toml`, word lists in
the CSV files here); `files.write_centre_files` writes them in the real formats.
"""
