import json,glob,collections,statistics,sys
d=collections.defaultdict(list)
for f in sorted(glob.glob('TMP/ab-ffm/out/*.json')):
    cfg=f.split('/')[-1].rsplit('-',1)[0]
    try: rs=json.load(open(f))
    except Exception: continue
    for r in rs:
        d[(r['benchmark'].split('.')[-1],cfg)].append(r['primaryMetric']['score'])
for b in ['pollNowIdle','pollNowAndReadSlot','registerDeregister']:
    row=[]
    for cfg in ['alone-old','alone-new','agent-old','agent-new']:
        v=d.get((b,cfg),[])
        row.append('%s %s' % (cfg, ' '.join('%.1f'%x for x in v)))
    print(b+': '+' | '.join(row))
