"""Recorded activity logs of real homes (sensor intervals) turned into Obhut events files.

The first is the UCI "ADLs from binary sensors" set (Ordóñez et al. 2013): each row is a
sensor's activation interval in local time. A mapping file says which Obhut entity each of
its sensors stands for; the result replays through any configuration's rules.
"""
