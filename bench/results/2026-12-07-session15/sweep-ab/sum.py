import json,glob,collections,statistics,re,sys
# usage: sum.py BEFORE-VARIANT AFTER-VARIANT DIR... (the variant names of ab1core.sh's VARS)
before, after = sys.argv[1], sys.argv[2]
for dirn in sys.argv[3:]:
    d=collections.defaultdict(list); unit={}
    for f in glob.glob(dirn+'/*.json'):
        m=re.match(r'.*/(\w+)-(\w+)-r(\d+)\.json',f)
        b,v,r=m.groups()
        for res in json.load(open(f)):
            p=res.get('params',{})
            key=(b,' '.join('%s=%s'%kv for kv in sorted(p.items())))
            d[(key,v)].append(res['primaryMetric']['score']); unit[key]=res['primaryMetric']['scoreUnit']
    print('###', dirn.split('/')[-1])
    print('| benchmark | unit | JDK | %s | %s |' % (before, after))
    print('|---|---|---|---|---|')
    for key in sorted({k for k,_ in d}):
        f=lambda v: '/'.join('%.1f'%x for x in d[(key,v)])
        print('| %s %s | %s | %s | %s | %s |'%(key[0],key[1],unit[key],f('jdk'),f(before),f(after)))
