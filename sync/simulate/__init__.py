"""A synthetic health centre and the files its upstream systems would send: a 43-file export
with a year of services, NHSO rights lists and NHSO statements of its PP claims, for
`sitthi demo`, the tests and the benchmarks.

`centre.build_centre` makes the people, their rights, their services and what NHSO paid for
them (rates in `rates.toml`, word lists in the CSV files here); `files.write_centre_files` writes
them in the real formats.
"""
