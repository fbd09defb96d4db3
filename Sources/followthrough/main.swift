print("followthrough: not implemented yet")
