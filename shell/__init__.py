"""The app's frame around every page (not a page: Dash's page scanner reads pages/ only).

callbacks       the one filter reducer (URL -> app state and its stores) and the views every page
                shares: chips, banner, live announcement, navigation links
path_variables  the path variable a profile page was reached by
The shell's layout is components/shell.py.
"""
