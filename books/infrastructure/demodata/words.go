package demodata

// The vocabulary the generator draws on. Every title, name and sentence the
// demo catalogue shows is made from these lists.

// A topic is what a book is about, with the tags such a book carries.
type topic struct {
	name string
	tags []string
}

var topics = []topic{
	{"Go", []string{"Go", "Programming Languages"}},
	{"Rust", []string{"Rust", "Programming Languages"}},
	{"Kotlin", []string{"Kotlin", "Programming Languages"}},
	{"TypeScript", []string{"TypeScript", "Web"}},
	{"Python", []string{"Python", "Programming Languages"}},
	{"C#", []string{".NET", "Programming Languages"}},
	{"Entity Framework Core", []string{".NET", "Databases"}},
	{"PostgreSQL", []string{"Databases", "SQL"}},
	{"SQL Query Tuning", []string{"Databases", "SQL", "Performance"}},
	{"Database Internals", []string{"Databases", "Distributed Systems"}},
	{"Domain-Driven Design", []string{"Architecture", "Design"}},
	{"Modular Monoliths", []string{"Architecture", "Design"}},
	{"Microservices", []string{"Architecture", "Distributed Systems"}},
	{"Event Sourcing", []string{"Architecture", "Distributed Systems"}},
	{"Clean Architecture", []string{"Architecture", "Design"}},
	{"API Design", []string{"Web", "Design"}},
	{"REST and HTTP", []string{"Web"}},
	{"Concurrency", []string{"Concurrency", "Performance"}},
	{"Distributed Systems", []string{"Distributed Systems"}},
	{"Kubernetes", []string{"Cloud", "Operations"}},
	{"Cloud Native Operations", []string{"Cloud", "Operations"}},
	{"Observability", []string{"Operations", "Performance"}},
	{"Site Reliability", []string{"Operations"}},
	{"Unit Testing", []string{"Testing"}},
	{"Test-Driven Development", []string{"Testing", "Design"}},
	{"Refactoring", []string{"Design", "Craft"}},
	{"Legacy Code", []string{"Craft", "Testing"}},
	{"Code Review", []string{"Craft", "Teams"}},
	{"Software Estimation", []string{"Teams"}},
	{"Technical Leadership", []string{"Teams"}},
	{"Compilers", []string{"Computer Science"}},
	{"Algorithms", []string{"Computer Science"}},
	{"Data Structures", []string{"Computer Science"}},
	{"Type Systems", []string{"Computer Science", "Programming Languages"}},
	{"Functional Programming", []string{"Programming Languages", "Design"}},
	{"Web Security", []string{"Security", "Web"}},
	{"Cryptography", []string{"Security", "Computer Science"}},
	{"Machine Learning", []string{"Data", "Computer Science"}},
	{"Data Engineering", []string{"Data", "Databases"}},
	{"Stream Processing", []string{"Data", "Distributed Systems"}},
}

// titlePatterns turn a topic into a title; %s is the topic.
var titlePatterns = []string{
	"%s in Practice",
	"Practical %s",
	"Learning %s",
	"%s from the Ground Up",
	"The %s Field Guide",
	"%s, Step by Step",
	"Thinking in %s",
	"%s for Working Programmers",
	"A Tour of %s",
	"%s Patterns",
	"%s: The Hard Parts Made Easy",
	"Everyday %s",
	"%s at Scale",
	"Sharpening Your %s",
}

var firstNames = []string{
	"Ada", "Ben", "Cora", "Dev", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
	"Kira", "Luca", "Mona", "Nils", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tove",
	"Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zara", "Anouk", "Bram", "Chidi", "Dalia",
}

var lastNames = []string{
	"Abernathy", "Brightwater", "Castellano", "Driscoll", "Eriksen", "Fairbanks", "Gallagher",
	"Holloway", "Ishikawa", "Jablonski", "Kowalczyk", "Lindqvist", "Marchetti", "Nakamura",
	"Okonkwo", "Pellegrini", "Quintero", "Rasmussen", "Sandoval", "Thorne", "Underwood",
	"Valdivia", "Whitcombe", "Xenakis", "Yamamoto", "Zielinski",
}

var publishers = []string{
	"Lantern Press", "Bitwise Books", "Northwind Technical", "Harbour & Quay", "Signal Hill Publishing",
	"Greenleaf Computing", "Open Shelf Media", "Cobalt Editions",
}

// descriptionOpenings, descriptionMiddles and descriptionClosings make a
// description of three sentences; %s is the topic.
var descriptionOpenings = []string{
	"This book teaches %s the way experienced engineers actually use it.",
	"%s looks simple until the first production incident; this book starts there.",
	"A hands-on introduction to %s, built around one realistic project.",
	"Written for developers who know the basics of %s and want to go further.",
	"Everything you need to put %s to work, and nothing you do not.",
}

var descriptionMiddles = []string{
	"Each chapter ends with exercises and worked answers.",
	"Short examples lead to a complete application by the last chapter.",
	"The author explains not only how, but when a technique is the wrong choice.",
	"Diagrams and checklists make the ideas easy to revisit.",
	"Real trade-offs are discussed openly, with measurements to back them.",
	"Case studies from several teams show what worked and what did not.",
}

var descriptionClosings = []string{
	"Ideal for self-study or a team reading group.",
	"Keep it on your desk; you will come back to it.",
	"A friendly book about a demanding subject.",
	"No prior experience with the subject is assumed.",
	"Updated throughout for current tools and practice.",
}

var promotionTexts = []string{
	"Half price this week!",
	"50% off — limited time",
	"Spring sale: half price",
}

var reviewComments = []string{
	"",
	"",
	"Clear and practical.",
	"Too long for what it says.",
	"The examples alone are worth the price.",
	"Good introduction, thin on advanced topics.",
	"I wish I had read this years ago.",
	"Solid, if a little dry.",
	"Not what I expected, but useful.",
	"Chapter four changed how I work.",
}
