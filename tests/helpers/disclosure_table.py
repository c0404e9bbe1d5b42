"""The small hand-checked table of the disclosure tests: regions, activities, the basis."""



REGIONS = """code,parent,label
KZ,,Қазақстан Республикасы
ABAI,KZ,Абай облысы
AKM,KZ,Ақмола облысы
ABAI-1,ABAI,Аягөз ауданы
ABAI-2,ABAI,Бесқарағай ауданы
AKM-1,AKM,Астрахан ауданы
"""


ACTIVITY = """code,parent,label
TOTAL,,Барлығы
B,TOTAL,Тау-кен өндіру
C,TOTAL,Өңдеу өнеркәсібі
"""


BASIS = """region,activity,value,respondents,top1,top2,consent
ABAI-1,B,120,1,120,0,
ABAI-1,C,300,4,150,80,
ABAI-2,B,0,0,,,
ABAI-2,C,210,3,100,60,
AKM-1,B,95,2,90,5,
AKM-1,C,400,1,400,0,true
"""
