# server/: memcored (arrives with issue 3)
