def sum_to(n):
    i, acc = 0, 0
    while i != n:
        acc += i
        i += 1
    return acc
print(sum_to(10000000))
