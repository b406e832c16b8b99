# monitor/: the command table and front-ends (arrives with issue 3)
