package domain

import "slices"

// Categories is the goods/services classification used on intake and in
// statistics, "大类-小类" after the 12315 classification's first levels.
var Categories = []string{
	"商品-家用电器", "商品-通讯器材", "商品-电脑及配件", "商品-服装鞋帽", "商品-食品", "商品-烟酒饮料",
	"商品-日用百货", "商品-化妆品", "商品-首饰珠宝", "商品-家具", "商品-装修建材", "商品-汽车及零部件",
	"商品-医药及医疗器械", "商品-儿童用品", "商品-其他商品",
	"服务-健身", "服务-教育培训", "服务-美容美发", "服务-餐饮", "服务-住宿", "服务-旅游", "服务-网络购物",
	"服务-房屋装修", "服务-家政服务", "服务-维修服务", "服务-电信服务", "服务-快递物流", "服务-文化娱乐",
	"服务-医疗美容", "服务-租赁服务", "服务-其他服务",
}

// ValidCategory reports whether c is in the classification.
func ValidCategory(c string) bool { return slices.Contains(Categories, c) }
