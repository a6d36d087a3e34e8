"""Rights gaps: the rules' inputs (`inputs`), the rules (`rules`), the work-list report (`report`).

The PP fee schedule has its own package beside this one (`store/pp/`); the KPI report that
combines both stays at `store/kpi.py`.
"""
